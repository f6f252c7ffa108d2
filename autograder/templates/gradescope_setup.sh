#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu).
# It installs the course's grader and torch (CPU build) into /autograder/venv.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q --upgrade pip
/autograder/venv/bin/pip install -q torch==__TORCH_VERSION__ --index-url https://download.pytorch.org/whl/cpu
/autograder/venv/bin/pip install -q /autograder/source/course

"""What instructors build from the course: the student copy and stubs, notebooks, the nbgrader
course, the Gradescope package, and the self-audits (hand-written and generated mutants)."""

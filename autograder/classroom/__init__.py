"""Class tools: grade a class in parallel (locally or on a cluster), the gradebook, the class
overview report, and nbgrader autograde scored outside the student kernel."""

"""The workflow engine seam: the only package that imports SpiffWorkflow."""

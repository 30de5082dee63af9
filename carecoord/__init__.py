"""carecoord: care coordination training and competency tracking."""

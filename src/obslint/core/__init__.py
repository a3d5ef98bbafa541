"""What every layer shares: findings and where checks report them, paths as findings show them, and
writing files."""

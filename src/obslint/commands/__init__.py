"""What each command does, as plain functions a test can call: `check`, `checks` (the list and `explain`),
`route_test`, `fix`, `build`, `report` and `test`. obslint.cli only wires options to them."""

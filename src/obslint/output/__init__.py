"""Every output format: findings as text, JSON, GitHub annotations and SARIF (`reporters`), JUnit XML for
`obslint test` and `obslint route-test` (`junit`), their test reports as text and JSON (`testreports`),
and the project report as HTML and Markdown (`html`)."""

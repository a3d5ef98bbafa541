"""Running the checks over files: finding them (`discover`: the walk, and which Python is a dashboard),
telling what each YAML or JSON file holds by its structure (`classify`), the lint pipeline that loads each
file's model once and hands it to the checks' passes (`lint`), the per-file cache (`cache`) and the forked
helpers of large runs (`workers`)."""

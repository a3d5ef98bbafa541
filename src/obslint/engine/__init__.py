"""Running the checks over files: finding and classifying them (`discover`), the lint pipeline that loads
each file's model once and hands it to the checks' passes (`lint`), the per-file cache (`cache`) and
the forked helpers of large runs (`workers`)."""

from obslint.cli import main

main()

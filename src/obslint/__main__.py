from obslint.entry import main

main()

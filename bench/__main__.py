"""`python -m bench` runs every measurement and prints the table and one JSON line."""

from bench.run import main

raise SystemExit(main())

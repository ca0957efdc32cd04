from saisei.cli import main

raise SystemExit(main())

from handterm_tui.cli import main

raise SystemExit(main())

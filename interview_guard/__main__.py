from interview_guard.cli import main

raise SystemExit(main())

import sys

from pql_tools.report import main

sys.exit(main())

import sys

from localspot.cli import main

sys.exit(main())

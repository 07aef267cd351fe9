"""``python -m newsline`` is the ``newsline`` command."""

from newsline.cli import main

main()

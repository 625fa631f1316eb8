"""Views; each module registers its own with ``@view_config``."""

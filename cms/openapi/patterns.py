"""The patterns of names, cursors and ETags, as the code checks them."""

from cms.models.tree import MAX_NAME_LENGTH
from cms.services.principals import LOGIN_PATTERN

#: A node name as a path parameter (a subset of the valid names: see
#: :func:`cms.models.node.is_valid_name`; ``.``/``..`` can never match).
NODE_NAME_PATTERN = rf"^[a-z0-9][a-z0-9_.-]{{0,{MAX_NAME_LENGTH - 1}}}$"
#: A child's name in a body: 1 to 100 of a-z 0-9 - _ ., not starting with . or _.
CHILD_NAME_PATTERN = rf"^[a-z0-9-][a-z0-9_.-]{{0,{MAX_NAME_LENGTH - 1}}}$"
PRINCIPAL_NAME_PATTERN = f"^{LOGIN_PATTERN.pattern}$"
#: The cursor of ``b_after`` / ``b_before`` (:data:`cms.listing.CURSOR_PATTERN`).
CURSOR_PATTERN = r"^(-?[0-9]{1,18}|[A-Za-z0-9_-]{1,1400})\.[0-9]{1,18}$"
#: A node's ETag (:func:`cms.conditional.node_etag`).
NODE_ETAG_PATTERN = r'^"[0-9a-f]{32}-[0-9]+-[0-9a-f]{16}"$'

"""The content tree: one ``nodes`` table, adjacency list plus materialized path.

Every node knows its ``parent_id`` (adjacency list) and its full URL ``path``
(``/`` for the root, ``/about/team/`` below it). The path lets the traverser
load a URL's whole lineage in one query, and makes a subtree a range of one
index: ``path >= '/about/' AND path < '/about0'`` (``0`` is the character
after ``/``; names are ASCII, so byte order is the order that counts, and
PostgreSQL compares the column with the ``C`` collation to match).

The database enforces what it can: a unique path, a unique name per parent,
the parent's existence (deleting a node deletes its subtree), and that only
the root has no parent. The Python API below keeps ``path`` consistent with
``parent_id`` and ``name``; nothing else writes those columns. Each change of
the tree's shape takes the tree lock first (:mod:`cms.models.treelock`).
"""

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    delete,
    false,
    func,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.orm import (
    Mapped,
    Session,
    attributes,
    mapped_column,
    object_session,
    relationship,
)

from cms.models.meta import Base, UTCDateTime, utcnow
from cms.models.tree import (
    MAX_NAME_LENGTH,
    PATH_TYPE,
    RESERVED_ROOT_NAMES,
    InvalidMove,
    InvalidName,
    NameTaken,
    NotAContainer,
    is_valid_name,
    make_name,
    subtree_bounds,
)
from cms.models.treelock import hold_tree
from cms.workflow import Ace, acl_for, is_public

if TYPE_CHECKING:
    # Named as a string in local_roles; SQLAlchemy resolves it at run time.
    from cms.models.sharing import LocalRole


class Node(Base):
    """A node of the tree; content types subclass it."""

    __tablename__ = "nodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Stable across moves and renames; what JSON clients hold on to.
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("nodes.id", ondelete="CASCADE")
    )
    #: The URL segment; empty for the root.
    name: Mapped[str] = mapped_column(String(MAX_NAME_LENGTH))
    #: The full URL path, ``/`` for the root, always ending with ``/``.
    path: Mapped[str] = mapped_column(PATH_TYPE, unique=True)
    #: Order among siblings (ascending; ties broken by ``id``).
    position: Mapped[int] = mapped_column(Integer, default=0)
    type: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="private")
    #: The schedule (:mod:`cms.schedule`): shown to readers from, and until.
    effective = mapped_column(UTCDateTime, nullable=True)
    expires = mapped_column(UTCDateTime, nullable=True)
    created = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    modified = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    #: Bumped on every UPDATE of the row; lost-update detection and ETags.
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The user who created the node; holds the ``owner`` role on it alone.
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: True when a published node has a newer draft (its newest revision).
    has_draft: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    #: False when the node blocks the roles granted above it.
    inherit_roles: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )

    local_roles: Mapped[list["LocalRole"]] = relationship(
        lazy="select",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="LocalRole.id",
    )

    parent: Mapped["Node | None"] = relationship(
        remote_side=[id], lazy="select", passive_deletes=True
    )

    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_nodes_parent_id_name"),
        Index("ix_nodes_parent_id_position", "parent_id", "position", "id"),
        CheckConstraint(
            "(parent_id IS NULL) = (path = '/')", name="root_has_no_parent"
        ),
    )
    __mapper_args__ = {
        "polymorphic_on": "type",
        # Only the content types (Folder, Document, …) are ever instantiated.
        "polymorphic_abstract": True,
        "version_id_col": version,
    }

    #: Whether nodes of this type hold children.
    is_container = False

    def _session(self) -> Session:
        """The session this node is in (every method here needs one)."""
        session = object_session(self)
        if session is None:
            raise RuntimeError(f"{self!r} is in no session")
        return session

    # -- location awareness (Pyramid traversal) ---------------------------

    @property
    def __name__(self) -> str:  # type: ignore[override]
        return self.name

    @property
    def __parent__(self) -> "Node | None":
        # A many-to-one lookup by primary key: when the parent is already in
        # the session (the traverser loads the whole lineage), no query runs.
        return self.parent

    @property
    def __acl__(self) -> tuple[Ace, ...]:
        """The ACL of the node's workflow state (see :mod:`cms.workflow`)."""
        return acl_for(self.state, is_public(self))

    def __getitem__(self, name: str) -> "Node":
        """Return the child called *name* (one query), or raise ``KeyError``."""
        session = self._session()
        child = session.scalars(
            select(Node).where(Node.parent_id == self.id, Node.name == name)
        ).one_or_none()
        if child is None:
            raise KeyError(name)
        return child

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"

    @property
    def depth(self) -> int:
        """The number of names in the path: 0 for the root."""
        return self.path.count("/") - 1

    def lineage(self) -> list["Node"]:
        """Return this node and its ancestors, nearest first."""
        node: Node | None = self
        result: list[Node] = []
        while node is not None:
            result.append(node)
            node = node.parent
        return result

    # -- children ------------------------------------------------------------

    def children_query(self) -> "Select[Node]":
        """Return a SELECT of this node's children in the editors' order."""
        return (
            select(Node)
            .where(Node.parent_id == self.id)
            .order_by(Node.position, Node.id)
        )

    def children(self) -> list["Node"]:
        """Return the children in order (one query)."""
        return list(self._session().scalars(self.children_query()))

    def add(self, child: "Node", name: str | None = None) -> "Node":
        """Add *child* as the last child of this node and return it.

        Without *name*, a unique name is made from the child's title.
        """
        session = self._session()
        hold_tree(session, [self], shared=True)
        if not self.is_container:
            raise NotAContainer(f"a {self.type} holds no children")
        if name is None:
            name = self.unique_name(make_name(child.title))
        child.position = self.free_slot(name)
        child.parent = self
        child.name = name
        child.path = f"{self.path}{name}/"
        session.add(child)
        session.flush()
        return child

    def check_name(self, name: str, moving: "Node | None" = None) -> None:
        """Raise unless *name* is free and valid for a child of this node."""
        self.free_slot(name, moving)

    def free_slot(self, name: str, moving: "Node | None" = None) -> int:
        """Raise unless *name* is free and valid here; return the next position.

        One query answers both (each half by its own index): whether a child
        has the name, and the position after the last child.
        """
        if not is_valid_name(name):
            raise InvalidName(
                f"{name!r} is not a valid name: use 1 to {MAX_NAME_LENGTH} of "
                "a-z 0-9 - _ . and do not start with . or _"
            )
        if self.parent_id is None and name in RESERVED_ROOT_NAMES:
            raise InvalidName(f"{name!r} is reserved at the root")
        session = self._session()
        session.flush()
        # The table, not the class: the class would join every content table.
        nodes = Node.__table__.c
        siblings = nodes.parent_id == self.id
        taken, position = session.execute(
            select(
                select(nodes.id).where(siblings, nodes.name == name).scalar_subquery(),
                select(func.coalesce(func.max(nodes.position) + 1, 0))
                .where(siblings)
                .scalar_subquery(),
            )
        ).one()
        if taken is not None and (moving is None or taken != moving.id):
            raise NameTaken(f"{name!r} is already taken in {self.path}")
        return int(position)

    def unique_name(self, base: str) -> str:
        """Return *base*, or *base* with a number, free among the children."""
        session = self._session()
        session.flush()
        base = base[: MAX_NAME_LENGTH - 6].rstrip("-._") or "item"
        if self.parent_id is None and base in RESERVED_ROOT_NAMES:
            base = f"{base}-1"
        names = set(
            session.scalars(
                select(Node.name).where(
                    Node.parent_id == self.id,
                    Node.name.startswith(base, autoescape=True),
                )
            )
        )
        if base not in names:
            return base
        number = 1
        while f"{base}-{number}" in names:
            number += 1
        return f"{base}-{number}"

    # -- moving, renaming, deleting ------------------------------------------

    def move(self, new_parent: "Node", name: str | None = None) -> "Node":
        """Move this node and its subtree under *new_parent*, maybe renamed.

        The paths of the whole subtree change in one UPDATE statement.
        """
        session = self._session()
        hold_tree(session, [self, new_parent])
        if self.parent_id is None:
            raise InvalidMove("the root cannot be moved")
        if not new_parent.is_container:
            raise NotAContainer(f"a {new_parent.type} holds no children")
        name = self.name if name is None else name
        if new_parent.path.startswith(self.path):
            raise InvalidMove("an item cannot move into itself or into what it holds")
        position = new_parent.free_slot(name, moving=self)
        old_path, new_path = self.path, f"{new_parent.path}{name}/"
        if new_path == old_path:
            return self
        if new_parent.id != self.parent_id:
            self.position = position
        self.parent = new_parent
        self.name = name
        session.flush()
        low, high = subtree_bounds(old_path)
        session.execute(
            update(Node)
            .where(Node.path >= low, Node.path < high)
            .values(path=literal(new_path) + func.substr(Node.path, len(old_path) + 1))
            .execution_options(synchronize_session=False)
        )
        # Bring the nodes already loaded in the session up to date, no query.
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Node) and low <= obj.path < high:
                attributes.set_committed_value(
                    obj, "path", new_path + obj.path[len(old_path) :]
                )
        return self

    def rename(self, name: str) -> "Node":
        """Give this node a new name under the same parent."""
        if self.parent is None:
            raise InvalidMove("the root cannot be renamed")
        return self.move(self.parent, name)

    def delete(self) -> None:
        """Delete this node and its whole subtree (one DELETE statement)."""
        if self.parent_id is None:
            raise InvalidMove("the root cannot be deleted")
        session = self._session()
        hold_tree(session, [self])
        session.flush()
        low, high = subtree_bounds(self.path)
        session.execute(
            delete(Node)
            .where(Node.path >= low, Node.path < high)
            .execution_options(synchronize_session=False)
        )
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Node) and low <= obj.path < high:
                session.expunge(obj)

    def set_position(self, position: int) -> None:
        """Put this node at *position* (0-based) among its siblings."""
        if self.parent_id is None:
            raise InvalidMove("the root has no siblings")
        session = self._session()
        session.flush()
        current = dict(
            session.execute(
                select(Node.id, Node.position)
                .where(Node.parent_id == self.parent_id)
                .order_by(Node.position, Node.id)
            ).all()
        )
        siblings = [node_id for node_id in current if node_id != self.id]
        position = max(0, min(position, len(siblings)))
        siblings.insert(position, self.id)
        for index, node_id in enumerate(siblings):
            if current[node_id] != index:
                # The order is the parent's: no child changed, so none gets
                # a new ``modified`` (the column's onupdate would stamp it).
                session.execute(
                    update(Node)
                    .where(Node.id == node_id)
                    .values(position=index, modified=Node.modified)
                    .execution_options(synchronize_session=False)
                )
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Node) and obj.parent_id == self.parent_id:
                attributes.set_committed_value(obj, "position", siblings.index(obj.id))

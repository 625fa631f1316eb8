"""The demo tree that ``initialize_cms_db --demo`` adds: a small site that
shows what readers get (a home page with text and a picture, sections, a
news folder with dated items and a feed, one item scheduled for next week).

The demo is added once: a :class:`~cms.models.Marker` remembers it, so that
running the command again (``./bin/serve`` does at every start) does not put
back the demo pages an editor deleted. Dates are counted from the day it is
added, so the news is always recent and the scheduled item always ahead.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO

from PIL import Image as Picture
from PIL import ImageDraw
from sqlalchemy.orm import Session

from cms.files import Upload
from cms.links import store_by_uid
from cms.models import Document, Folder, Image, Marker, Node, SiteSettings
from cms.models.meta import utcnow
from cms.models.site_settings import SITE_ROW
from cms.sanitize import clean_html
from cms.services.site_settings import update_settings
from cms.storage import BlobStore

#: The marker of a site that got the demo tree.
DEMO_MARKER = "demo"
#: What the demo calls the site.
DEMO_TITLE = "Demo site"


@dataclass
class Demo:
    """A node of the demo tree."""

    name: str
    type: type[Node]
    title: str
    description: str = ""
    body: str | None = None
    children: list["Demo"] = field(default_factory=list)
    #: When readers first see it, in days from when the demo is added.
    effective_days: int | None = None


#: The home page's text. Its links name paths: they are stored by uid.
HOME = (
    "<p>Welcome to the demo site. Start with "
    '<a href="/getting-started/">Getting started</a>, read the '
    '<a href="/news/">news</a>, or browse the sections below.</p>'
    "<figure>"
    '<img src="/about/harbour/@@images/preview" alt="{alt}" '
    'width="{width}" height="{height}">'
    "<figcaption>{caption}</figcaption>"
    "</figure>"
)
PICTURE_ALT = "A harbour at dawn: two boats on a calm sea under a pale sky"
PICTURE_CAPTION = "The harbour at dawn, as the first boats go out."

NEWS = [
    ("news-1", "The harbour walk is open", "Three kilometres along the water.", -21),
    ("news-2", "Volunteers wanted", "Help us with the spring clean.", -14),
    ("news-3", "New opening hours", "The office opens earlier on Mondays.", -7),
]

TREE = [
    Demo(
        "getting-started",
        Document,
        "Getting started",
        "What this site is and how to change it.",
        "<p>This is a demo site of a content management system built on "
        "traversal: every URL is a node of one tree.</p>"
        "<p>Ask for any page with <code>Accept: application/json</code> to get "
        "the same content as JSON.</p>",
    ),
    Demo(
        "about",
        Folder,
        "About us",
        "Who we are and where we come from.",
        "<p>A small organisation by the sea.</p>",
        [
            Demo(
                "team",
                Document,
                "Our team",
                "The people behind the site.",
                "<p>We are a small team that likes clear URLs and fast pages.</p>"
                "<ul><li>Alice, editor</li><li>Bob, developer</li></ul>",
            ),
            Demo(
                "history",
                Document,
                "Our history",
                "How it started.",
                "<p>It started with one folder and one page.</p>",
            ),
            Demo("harbour", Image, "The harbour at dawn", PICTURE_CAPTION),
        ],
    ),
    Demo(
        "news",
        Folder,
        "News",
        "What happened lately.",
        "<p>The newest first. Follow this page's feed to hear of the next.</p>",
        [
            Demo(
                name,
                Document,
                title,
                description,
                f"<p>{description} More soon.</p>",
                effective_days=days,
            )
            for name, title, description, days in NEWS
        ]
        + [
            Demo(
                "summer-festival",
                Document,
                "The summer festival programme",
                "Music on the quay, every evening of the first week of July.",
                "<p>Readers see this page a week after the demo was added: it "
                "is published, and scheduled.</p>",
                effective_days=7,
            )
        ],
    ),
]


def picture() -> bytes:
    """The demo's picture: a harbour at dawn, drawn (JPEG, 1200 by 675)."""
    width, height, horizon = 1200, 675, 420
    image = Picture.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(horizon):
        t = y / horizon
        draw.line(
            [(0, y), (width, y)],
            fill=(int(150 + 100 * t), int(180 + 40 * t), int(220 - 40 * t)),
        )
    for y in range(horizon, height):
        t = (y - horizon) / (height - horizon)
        draw.line(
            [(0, y), (width, y)],
            fill=(int(60 - 30 * t), int(110 - 40 * t), int(150 - 50 * t)),
        )
    draw.ellipse([820, 300, 940, 420], fill=(255, 214, 150))
    for x, size in ((300, 1.0), (560, 0.7)):
        hull = [
            (x, horizon + 40 * size),
            (x + 180 * size, horizon + 40 * size),
            (x + 150 * size, horizon + 70 * size),
            (x + 30 * size, horizon + 70 * size),
        ]
        draw.polygon(hull, fill=(70, 50, 40))
        sail = [
            (x + 90 * size, horizon - 120 * size),
            (x + 90 * size, horizon + 35 * size),
            (x + 170 * size, horizon + 35 * size),
        ]
        draw.polygon(sail, fill=(245, 240, 230))
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def add_demo_once(dbsession: Session, root: Folder, store: BlobStore) -> int:
    """Add the demo tree under *root* unless it was added before.

    Return the number of nodes added. *store* keeps the demo's picture.
    """
    if dbsession.get(Marker, DEMO_MARKER) is not None:
        return 0
    added = _add(dbsession, root, TREE, store)
    if not root.body:
        dbsession.flush()
        root.body = store_by_uid(dbsession, "", clean_html(_home(root)))
    if dbsession.get(SiteSettings, SITE_ROW) is None:
        update_settings(dbsession, {"title": DEMO_TITLE})
    dbsession.add(Marker(name=DEMO_MARKER))
    dbsession.flush()
    return added


def _home(root: Node) -> str:
    about = {child.name: child for child in root.children()}.get("about")
    harbour = about and {c.name: c for c in about.children()}.get("harbour")
    if not isinstance(harbour, Image):
        # An editor took the picture away before: the text goes without it.
        return HOME[: HOME.index("<figure>")]
    preview = harbour.scales["preview"]
    return HOME.format(
        alt=PICTURE_ALT,
        caption=PICTURE_CAPTION,
        width=preview["width"],
        height=preview["height"],
    )


def _add(dbsession: Session, parent: Node, tree: list[Demo], store: BlobStore) -> int:
    """Add what is missing of *tree* under *parent*; return the number added."""
    added = 0
    existing = {child.name: child for child in parent.children()}
    now = utcnow()
    for item in tree:
        node = existing.get(item.name)
        if node is None:
            node = _make(item, store)
            if item.effective_days is not None:
                node.effective = now + timedelta(days=item.effective_days)
            parent.add(node, item.name)
            added += 1
        added += _add(dbsession, node, item.children, store)
    return added


def _make(item: Demo, store: BlobStore) -> Node:
    fields = {"title": item.title, "description": item.description}
    if item.body is not None:
        fields["body"] = clean_html(item.body)
    if item.type is Image:
        upload = Upload.from_bytes(store, "harbour.jpg", picture())
        fields.update(upload.values("Image"))
    return item.type(**fields, state="published")

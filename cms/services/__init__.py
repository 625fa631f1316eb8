"""The rules of every change: the one layer that writes content and principals.

The JSON API, the editor's forms, the command line and the importer all
change things through these modules, so each rule lives once:

- :mod:`.content`: add, edit, delete, workflow transitions, revert;
- :mod:`.tree`: move, rename, copy, order;
- :mod:`.locks`: what every write holds before it checks anything;
- :mod:`.revisions`: drafts and history;
- :mod:`.redirects`: the old URLs of moved nodes;
- :mod:`.sharing`: local roles;
- :mod:`.principals`: users and groups.

A service takes the database session and the :class:`~.caller.Caller` (who
asks, what they may do, which version they saw), and either finishes or
raises a :class:`~.errors.ServiceError`. It never raises an HTTP exception:
how a refusal is answered (a status and JSON, or a message beside a form
field) is decided in one place, :mod:`.errors`. The request's transaction
commits or rolls back as a whole, so a refusal half-way changes nothing.
"""

from pyramid.config import Configurator

from cms.services.caller import caller_of


def includeme(config: Configurator) -> None:
    # request.caller: who asks, for the services.
    config.add_request_method(caller_of, "caller", reify=True)
    config.include(".site_settings")

"""Uses the Python client that openapi-python-client generates from the served OpenAPI
document against a running server, as an integrator would (issue 16): list items are the
named models, a creation answers its model and `Location`, a refused body is a `Problem`
whose `errors` name every failing field by JSON pointer, a client's record is a
`ClientRecord`, and a statistics table's rows are `StatsRow`s.

Usage: generated_client.py BASE_URL MUNICIPALITY_TOKEN MINISTRY_TOKEN (the generated package
`kopiena_client` on the path). Exits non-zero naming the first expectation that fails.
"""

import sys
import uuid
from http import HTTPStatus

from kopiena_client import AuthenticatedClient, Client
from kopiena_client.api.clients import get_client, list_clients
from kopiena_client.api.providers import create_provider
from kopiena_client.api.services import list_services
from kopiena_client.api.statistics import client_stats
from kopiena_client.models import (
    ClientRecord,
    CreateProvider,
    LegalStatus,
    PageClientRecord,
    PageService,
    Problem,
    Provider,
    Service,
    StatsRow,
    StatsTable,
)
from kopiena_client.types import UNSET

checks = 0


def expect(condition: bool, what: str) -> None:
    global checks
    if not condition:
        sys.exit(f"generated client: expected {what}")
    checks += 1


def main(base: str, municipality_token: str, ministry_token: str) -> None:
    public = Client(base_url=base, raise_on_unexpected_status=True)
    services = list_services.sync(client=public, limit=5)
    expect(isinstance(services, PageService), "a page of services")
    expect(bool(services.items), "services in the demo data")
    expect(all(isinstance(s, Service) for s in services.items), "each item a Service")

    municipality = AuthenticatedClient(
        base_url=base, token=municipality_token, raise_on_unexpected_status=True
    )
    clients = list_clients.sync(client=municipality, limit=3)
    expect(isinstance(clients, PageClientRecord), "a page of client records")
    expect(bool(clients.items), "the municipality's clients")
    expect(all(isinstance(c, ClientRecord) for c in clients.items), "each a ClientRecord")
    one = get_client.sync(client=municipality, id=clients.items[0].id)
    expect(isinstance(one, ClientRecord), "a client read as a ClientRecord")
    expect(one.id == clients.items[0].id, "the client asked for")

    ministry = AuthenticatedClient(
        base_url=base, token=ministry_token, raise_on_unexpected_status=True
    )
    body = CreateProvider(
        name="Generated client check",
        register_number=f"GC-{uuid.uuid4().hex[:10]}",
        legal_status=LegalStatus.ASSOCIATION,
        municipality="RIX",
        address="Rīga, Brīvības iela 1",
    )
    created = create_provider.sync_detailed(
        client=ministry, body=body, idempotency_key=str(uuid.uuid4())
    )
    expect(created.status_code == HTTPStatus.CREATED, "201 for a new provider")
    expect(isinstance(created.parsed, Provider), "the created Provider")
    expect(
        created.headers.get("location") == f"/api/v1/providers/{created.parsed.id}",
        "a Location naming the provider",
    )

    invalid = CreateProvider(
        name="",
        register_number="",
        legal_status=LegalStatus.ASSOCIATION,
        municipality="RIX",
        address="Rīga",
        email="not an address",
    )
    refused = create_provider.sync_detailed(client=ministry, body=invalid)
    expect(refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, "422 for a bad body")
    expect(isinstance(refused.parsed, Problem), "the refusal parsed as a Problem")
    errors = refused.parsed.errors
    fields = set() if errors in (None, UNSET) else set(errors.additional_properties)
    expect({"/name", "/register_number", "/email"} <= fields, f"every field by pointer: {fields}")

    table = client_stats.sync(client=ministry, group_by="di_status")
    expect(isinstance(table, StatsTable), "a statistics table")
    expect(bool(table.rows), "rows in the table")
    expect(all(isinstance(r, StatsRow) for r in table.rows), "each row a StatsRow")
    expect(all(r.di_status is not UNSET for r in table.rows), "each row's DI status")
    expect(all(isinstance(r.clients, int) for r in table.rows), "each row's client count")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
    print(f"generated client: {checks} expectations met")

"""A tiny API resource for the infrastructure tests, loaded into the sandbox with ``--import``.

It lets the pipeline (auth, scopes, errors, rate limits, events) be tested without depending on the
shape of any real Zoho resource.
"""
from zoho_sandbox.core import ApiError, api, ok, read_json_body


@api.route("/infratest/echo", ["GET"], scope="customers.READ")
def echo(ctx, request):
    return ok(echo={"organization_id": ctx.organization_id, "scopes": sorted(ctx.scopes)})


@api.route("/infratest/echo/<item_id>/act", ["POST"], scope="customers.CREATE")
def act(ctx, request, item_id):
    return ok("The action has been performed.", item_id=item_id)


@api.route("/infratest/boom", ["GET"], scope="customers.READ")
def boom(ctx, request):
    raise RuntimeError("deliberate failure for the 500 test")


@api.route("/infratest/refuse", ["GET"], scope="customers.READ")
def refuse(ctx, request):
    raise ApiError(400, 3004, "Please enter a valid reference for the customer")


@api.route("/infratest/emit", ["POST"], scope="customers.CREATE")
def emit(ctx, request):
    body = read_json_body(request)
    event = ctx.sandbox.events.emit(body["event_type"], body["data"])
    return ok(event=event)

"""A local Zoho Billing look-alike: a real HTTP server speaking Zoho Billing's wire format.

Run it with ``python -m zoho_sandbox --port 8085``; drive it from tests with
``zoho_sandbox.testing.SandboxProcess``. See docs/sandbox.md.
"""

"""Helpers for the tests that are not fixtures, one module per concern:

- ``demo``: the sandbox's demo people and objects the tests name (emails, ids), the portal password
  the tests give them, the sandbox's test cards;
- ``settings``: settings for an app (or a ``ZohoConfig``) pointed at the sandbox;
- ``servers``: a free loopback port for a server a test starts, and waiting until it answers;
- ``forms``: reading pages and forms (CSRF tokens, hidden fields, visible text, links in mails);
- ``accounts``: portal accounts and signing in through the login form;
- ``sandbox_api``: the sandbox's own Zoho API read (and, rarely, written) with the demo credentials;
- ``checkout``: the sandbox's hosted checkout filled in over HTTP, as a browser would;
- ``audit``: the audit events an app recorded;
- ``handoff_tokens``: handoff tokens from the test product, good ones and every kind of bad one;
- ``browser``: Chromium tabs, screenshots and the sandbox's card form in Playwright.

The fixtures themselves are in ``tests/fixtures/``.
"""

"""The sandbox's business model: entities, money and dates, Zoho JSON shapes and operations.

Nothing in here knows about HTTP beyond raising ``ApiError`` (Zoho's errors are part of the
domain: the same refusal reads the same whether it came from the API or a hosted page).
"""

"""The staff console at ``/staff``: sign-in and enrolment (``auth``), customers and support views
(``console``), the audit log (``records``) and the team (``team``). Every URL is in ``blueprint.py``."""

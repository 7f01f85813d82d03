"""The notification service every domain may use: subscribers with consent, the outbox,
channels (LINE, SMS, e-mail) and the worker that delivers."""

"""Sending one queued message (the notifications work completes retries and leases here)."""


def deliver(message_id: int) -> None:
    raise NotImplementedError("delivery is being written")

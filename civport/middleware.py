from civport.request_context import client_ip, current_ip


class RequestContextMiddleware:
    """Remembers the client address of the current request for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)

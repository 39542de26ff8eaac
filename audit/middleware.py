"""
django-auditlog's middleware, with the address taken from ``core.addresses`` (trusted proxies only) rather
than whatever the visitor puts in X-Forwarded-For; and every refused request (403) written to the trail.
"""
from auditlog.middleware import AuditlogMiddleware

from core.addresses import client_address


class AuditMiddleware(AuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request):
        return client_address(request)

    @staticmethod
    def _get_remote_port(request):
        return None

    def __call__(self, request):
        response = super().__call__(request)
        if response.status_code == 403:
            from . import services

            content = b"" if response.streaming else response.content[:5000]
            reason = "CSRF check failed" if b"CSRF" in content else "Permission denied"
            services.record_event(
                "refused", request=request, object_repr=f"{request.method} {request.path}"[:200],
                path=request.path[:500], method=request.method, reason=reason,
                username_tried="" if request.user.is_authenticated else "(not signed in)",
            )
        return response

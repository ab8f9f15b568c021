from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect


def home(request):
    return redirect("today" if request.user.is_authenticated else "login")


def health(request):
    """Liveness + database check for load balancers (no client data)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

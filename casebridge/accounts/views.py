from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm

from casebridge.accounts.services import sign_in_record, sign_out_record
from casebridge.web.forms import DesignSystemFormMixin


class SignInForm(DesignSystemFormMixin, AuthenticationForm):
    pass


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        sign_in_record(user=form.get_user(), succeeded=True)
        return response

    def form_invalid(self, form):
        sign_in_record(user=None, succeeded=False, username=form.data.get("username", ""))
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            sign_out_record(user=request.user)
        return super().post(request, *args, **kwargs)

"""Form helpers shared by every app: USWDS classes on every widget."""

from django import forms

WIDGET_CLASSES = {
    forms.CheckboxInput: "usa-checkbox__input",
    forms.ClearableFileInput: "usa-file-input",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
}


class DesignSystemFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next((c for t, c in WIDGET_CLASSES.items() if isinstance(widget, t)), "usa-input")
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def apply_service_errors(form, error) -> None:
    """Attach a service's ValidationError to the form: field errors by name, others on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)

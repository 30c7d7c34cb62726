"""居住证申领 (郑政办〔2021〕8号): the form behind forms.services.residence_permit."""

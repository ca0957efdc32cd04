from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saisei.core.time import legal_today
from saisei.plans.labels import choice_labels
from saisei.portal import guide as guide_flow


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def guide(request: HttpRequest) -> HttpResponse:
    """The patient's guide: the questions, and once answered the law engine's answer (a GET
    form, so that an answer is a link to share)."""
    form = guide_flow.GuideForm(request.GET or None)
    answer = guide_flow.answer(form.cleaned_data, legal_today()) if form.is_valid() else None
    classes = choice_labels("risk_class")
    return render(
        request,
        "portal/guide.html",
        {
            "form": form,
            "answer": answer,
            "deciding": [guide_flow.QUESTION_NAMES[name] for name in answer.deciding]
            if answer
            else [],
            "classes": [classes.get(c, c) for c in answer.classes] if answer else [],
        },
    )

from django.urls import path

from saisei.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_form, name="new"),
    path("search/", views.public_search, name="search"),
    path("verify/<int:pk>/", views.public_plan, name="public"),
    path("listed/<str:number>/", views.listed_plan, name="listed"),
    path("listed-committees/<str:number>/", views.listed_committee, name="listed_committee"),
    path("reviews/", views.review_queue, name="reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/meeting/", views.review_meeting, name="review_meeting"),
    path("reviews/<int:pk>/opinion/", views.review_opinion, name="review_opinion"),
    path("filings/", views.filings, name="filings"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/lift/", views.order_lift, name="order_lift"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_form, name="edit"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/file/", views.plan_file, name="file"),
    path("<int:pk>/accept/", views.plan_accept, name="accept"),
    path("<int:pk>/restriction/extend/", views.plan_restriction_extend, name="restriction_extend"),
    path(
        "<int:pk>/restriction/shorten/",
        views.plan_restriction_shorten,
        name="restriction_shorten",
    ),
    path(
        "<int:pk>/restriction/release/",
        views.plan_restriction_release,
        name="restriction_release",
    ),
    path("<int:pk>/change/", views.plan_change, name="change"),
    path("<int:pk>/change/notify/", views.plan_change_notify, name="change_notify"),
    path("<int:pk>/minor-change/", views.plan_minor_change, name="minor_change"),
    path("<int:pk>/discontinue/", views.plan_discontinue, name="discontinue"),
    path("<int:pk>/close/", views.plan_close, name="close"),
    path(
        "<int:pk>/data-collection-end/",
        views.plan_data_collection_end,
        name="data_collection_end",
    ),
]

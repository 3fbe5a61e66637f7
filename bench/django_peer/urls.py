from django.urls import path

from oauth import views

urlpatterns = [
    path("oauth_callback", views.QQAuthUserView.as_view()),
    path("prepare/<str:mobile>", views.prepare),
    path("ready", views.ready),
]

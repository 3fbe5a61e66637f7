# The seed's QQAuthUserView.post as it was (../shared/seed), with what the bench needs around it:
# - the SMS code is read from Django's cache where the seed read redis;
# - check_access_token unsigns with django.core.signing where the seed used itsdangerous;
# - the view is CSRF-exempt and answers 303 to "/" (the seed's redirect(next) needs a `state`);
# - `prepare` gives the bench an SMS code and an access token for a new openid, untimed.
import re
import secrets

from django import http
from django.contrib.auth import login
from django.core import signing
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from .models import OAuthQQUser, User

TOKEN_SALT = "oauth.access_token"


def check_access_token(access_token):
    try:
        return signing.loads(access_token, salt=TOKEN_SALT, max_age=600)["openid"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


def ready(request):
    return http.HttpResponse("ok")


@csrf_exempt
def prepare(request, mobile):
    code = "%06d" % secrets.randbelow(1000000)
    cache.set("sms_%s" % mobile, code, 300)
    token = signing.dumps({"openid": secrets.token_hex(16).upper()}, salt=TOKEN_SALT)
    return http.JsonResponse({"sms_code": code, "access_token": token})


@method_decorator(csrf_exempt, name="dispatch")
class QQAuthUserView(View):
    def post(self, request):
        mobile = request.POST.get("mobile")
        pwd = request.POST.get("password")
        sms_code_client = request.POST.get("sms_code")
        access_token = request.POST.get("access_token")

        if not all([mobile, pwd, sms_code_client]):
            return http.HttpResponseForbidden("缺少必传参数")
        if not re.match(r"^1[3-9]\d{9}$", mobile):
            return http.HttpResponseForbidden("请输入正确的手机号码")
        if not re.match(r"^[0-9A-Za-z]{8,20}$", pwd):
            return http.HttpResponseForbidden("请输入8-20位的密码")
        sms_code_server = cache.get("sms_%s" % mobile)
        if sms_code_server is None:
            return http.HttpResponseBadRequest("无效的短信验证码")
        if sms_code_client != sms_code_server:
            return http.HttpResponseBadRequest("输入短信验证码有误")
        openid = check_access_token(access_token)
        if not openid:
            return http.HttpResponseBadRequest("无效的openid")

        try:
            user = User.objects.get(mobile=mobile)
        except User.DoesNotExist:
            user = User.objects.create_user(username=mobile, password=pwd, mobile=mobile)
        else:
            if not user.check_password(pwd):
                return http.HttpResponseBadRequest("用户名或密码错误")

        try:
            OAuthQQUser.objects.create(openid=openid, user=user)
        except DatabaseError:
            return http.HttpResponseBadRequest("QQ登录失败")

        login(request, user)

        response = http.HttpResponse(status=303)
        response["Location"] = "/"
        response.set_cookie("username", user.username, max_age=3600 * 24 * 15)
        return response

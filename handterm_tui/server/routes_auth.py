"""Authentication routes: sign-up/confirm/sign-in/refresh/sign-out/session/password (3.1-3.7)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from . import cognito
from .authorizer import Denied, bearer
from .base import JULY2024, Ctx, RouteBase, first_str, reply
from .identity import IdpError


class AuthRoutes(RouteBase):
    async def sign_up(self, ctx: Ctx) -> Response:
        data = ctx.json()
        username, password = first_str(data, "username"), first_str(data, "password")
        email = first_str(data, "email") or (username if self.compat == JULY2024 else None)
        if not username or not password or not email:
            return self._sign_up_error(
                "InvalidParameterException", "username, password and email are required", data
            )
        try:
            done = await self._idp(self.idp.sign_up, username, password, email)
        except IdpError as exc:
            return self._sign_up_error(exc.code, exc.message, data)
        code, confirmed, sub, delivery = done.code, done.confirmed, done.sub, done.delivery
        headers = {cognito.SIGNUP_CODE_HEADER: code} if code else None
        if self.compat == JULY2024:
            body: dict[str, Any] = {"UserConfirmed": confirmed, "UserSub": sub}
            if delivery:
                body["CodeDeliveryDetails"] = delivery
            return reply(200, body, headers)
        via_email = bool(delivery) and delivery.get("AttributeName") == "email"
        return reply(
            200,
            {
                "message": "User signed up successfully",
                "verificationCode": "Check your email for the verification code"
                if via_email
                else "Verification code sent",
                "username": username,
            },
            headers,
        )

    def _sign_up_error(self, code: str, message: str, data: dict[str, Any]) -> Response:
        if self.compat == JULY2024:
            # J echoed the whole request, password and client id included; we keep the shape only.
            echo = {k: data.get(k) for k in ("username", "email") if k in data}
            return reply(400, {"error": message, "request": echo})
        known = {
            "InvalidPasswordException": (
                "Password does not meet the requirements",
                "InvalidPassword",
            ),
            "UsernameExistsException": (
                "An account with this username already exists",
                "UsernameExists",
            ),
            "InvalidParameterException": ("Invalid parameter provided", "InvalidParameter"),
        }
        error, error_code = known.get(code, ("An error occurred during sign up", "UnknownError"))
        return reply(400, {"error": error, "errorCode": error_code, "details": message})

    async def confirm_sign_up(self, ctx: Ctx) -> Response:
        data = ctx.json()
        username, code = first_str(data, "username"), first_str(data, "confirmationCode", "code")
        if not username or not code:
            return reply(400, {"message": "Missing required fields"})
        try:
            await self._idp(self.idp.confirm_sign_up, username, code)
        except IdpError as exc:
            err = (exc.code, exc.message)
            # Cognito checks the user before the code: unknown -> 404, confirmed -> no-op.
            if err[0] == "NotAuthorizedException" and "CONFIRMED" in err[1]:
                return reply(200, {"message": "User is already confirmed"})
            status, message = {
                "CodeMismatchException": (400, "Invalid confirmation code"),
                "ExpiredCodeException": (400, "Confirmation code has expired"),
                "UserNotFoundException": (404, "User not found"),
                # the e-mail was verified by another account meanwhile: the caller's
                # problem to solve (sign in to that account), not a server error
                "AliasExistsException": (409, "An account with this email already exists"),
                "LimitExceededException": (429, cognito.LIMIT_MESSAGE),
            }.get(err[0], (500, "Error confirming user"))
            body = {"message": message}
            if status == 429:
                body["code"] = "LimitExceeded"
            if status == 500:
                body["error"] = err[1]
            return reply(status, body)
        return reply(200, {"message": "User confirmed successfully"})

    async def sign_in(self, ctx: Ctx) -> Response:
        data = ctx.json()
        j = self.compat == JULY2024
        username, password = first_str(data, "username"), first_str(data, "password")
        if not username or not password:
            if j:
                return reply(400, "Missing required parameter USERNAME or PASSWORD")
            return reply(
                400, {"code": "InvalidParameter", "message": "Username and password are required"}
            )
        try:
            tokens, gh = await self._idp(self.idp.sign_in, username, password)
        except IdpError as exc:
            return self._sign_in_error(exc.code, exc.message)
        if not tokens:
            return reply(401, {"message": "Authentication failed or incomplete."})
        body = {
            k: tokens[k]
            for k in ("AccessToken", "ExpiresIn", "TokenType", "RefreshToken", "IdToken")
        }
        if j:
            response = reply(200, body)
            for name, key in (
                ("idToken", "IdToken"),
                ("accessToken", "AccessToken"),
                ("refreshToken", "RefreshToken"),
            ):
                response.raw_headers.append(
                    (b"set-cookie", f"{name}={tokens[key]}; SameSite=None; Secure; Path=/".encode())
                )
            return response
        if gh:
            body["githubUsername"] = gh
        return reply(200, body)

    def _sign_in_error(self, code: str, message: str) -> Response:
        if self.compat == JULY2024:
            return reply(400, message)  # J: every Cognito error as a bare string, status 400
        if code == "UserNotConfirmedException":
            return reply(
                400,
                {
                    "code": "UserNotConfirmed",
                    "message": "User is not confirmed. Please check your email and confirm your account.",
                },
            )
        if code == "NotAuthorizedException":
            # Cognito's lockout keeps its words, so a client can tell "wait" from "wrong".
            text = (
                message if message == cognito.LOCKED_MESSAGE else "Incorrect username or password."
            )
            return reply(401, {"code": "NotAuthorized", "message": text})
        if code == "UserNotFoundException":
            return reply(404, {"code": "UserNotFound", "message": "User does not exist."})
        return reply(
            500,
            {
                "code": "InternalServerError",
                "message": "An unexpected error occurred. Please try again later.",
                "error": message,
            },
        )

    async def refresh_token(self, ctx: Ctx) -> Response:
        j = self.compat == JULY2024
        data = ctx.json()
        token = first_str(data, "refreshToken")
        if not token:
            message = "Refresh token is required."
            return reply(500, {"message": message}) if j else reply(400, {"message": message})
        try:
            tokens = await self._idp(self.idp.refresh, token)
        except IdpError as exc:
            err = (exc.code, exc.message)
            if j:
                return reply(500, {"message": err[1]})
            # An invalid, expired or revoked refresh token means "sign in again": 401.
            status = 401 if err[0] == "NotAuthorizedException" else 500
            return reply(status, {"message": err[1], "error": err[1]})
        if not tokens.get("AccessToken"):
            return reply(400, {"message": "Token refresh failed or incomplete."})
        body = {"IdToken": tokens["IdToken"], "AccessToken": tokens["AccessToken"]}
        if not j:
            body["RefreshToken"] = token
        return reply(200, body)

    async def sign_out(self, ctx: Ctx) -> Response:
        token = bearer(ctx.request.headers.get("authorization"))
        if not token:
            return reply(400, {"message": "No access token provided"})
        try:
            await self._idp(self.idp.sign_out, token)
        except IdpError as exc:
            err = (exc.code, exc.message)
            status = 401 if err[0] == "NotAuthorizedException" else 500
            return reply(status, {"message": "Failed to sign out", "error": err[1]})
        return reply(200, {"message": "Successfully signed out"})

    async def check_session(self, ctx: Ctx) -> Response:
        header = ctx.request.headers.get("authorization")
        if not header or not header.strip():
            return reply(401, {"message": "No authorization header"})
        try:
            identity = self.authorizer.verify(bearer(header))
        except Denied:
            return reply(401, {"message": "Invalid session"})
        return reply(
            200, {"message": "Session is valid", "username": identity.username, "exp": identity.exp}
        )

    async def change_password(self, ctx: Ctx) -> Response:
        data = ctx.json()
        assert ctx.identity is not None
        token = ctx.identity.token
        if self.compat == JULY2024:
            # The original read only these keys, and the token from the body: the web's
            # oldPassword/newPassword got the SDK's parameter error (section 3.6).
            old, new = first_str(data, "previousPassword"), first_str(data, "proposedPassword")
            body_token = first_str(data, "accessToken")
            for key, value in (
                ("AccessToken", body_token),
                ("PreviousPassword", old),
                ("ProposedPassword", new),
            ):
                if not value:
                    return reply(400, f"Missing required key '{key}' in params")
            assert body_token is not None
            token = body_token
        else:
            old = first_str(data, "previousPassword", "oldPassword")
            new = first_str(data, "proposedPassword", "newPassword")
        if not old or not new:
            return reply(400, "Missing required parameters previousPassword and proposedPassword")
        # By default the header's (authorizer-checked) token, not one from the body (section 9).
        try:
            await self._idp(self.idp.change_password, token, old, new)
        except IdpError as exc:
            return reply(400, exc.message)
        return reply(200, {"message": "Password changed successfully"})

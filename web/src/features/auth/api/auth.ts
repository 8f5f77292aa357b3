import { api, unwrap } from "@/lib/api/client";
import type { components } from "@/lib/api/schema.gen";

type Schemas = components["schemas"];
export type Role = Schemas["Role"];
export type User = Schemas["UserRead"];
/** A sign-in: the access token and who it belongs to (the refresh token is an HttpOnly cookie). */
export type TokenResponse = Schemas["SessionRead"];
/** A right password whose sign-in needs a second step: a code (`challenge`) or, for staff without an
 * authenticator, setting one up (`enrol`). */
export type MfaStep = Schemas["MfaStepRead"];
export type MfaSetup = Schemas["MfaSetupRead"];

/** Identity calls, typed by the generated OpenAPI client. */
export const authApi = {
  register: async (body: Schemas["RegisterRequest"]) =>
    unwrap(await api.POST("/auth/register", { body })),
  login: async (body: Schemas["LoginRequest"]) => unwrap(await api.POST("/auth/login", { body })),
  loginCode: async (body: Schemas["MfaSignInCode"]) =>
    unwrap(await api.POST("/auth/login/mfa", { body })),
  loginEnrolment: async (body: Schemas["MfaStepToken"]) =>
    unwrap(await api.POST("/auth/login/enrolment", { body })),
  loginEnrolmentConfirm: async (body: Schemas["MfaEnrolmentConfirm"]) =>
    unwrap(await api.POST("/auth/login/enrolment/confirm", { body })),
  mfaStatus: async () => unwrap(await api.GET("/auth/mfa")),
  mfaBegin: async () => unwrap(await api.POST("/auth/mfa/enrolment")),
  mfaConfirm: async (body: Schemas["MfaCode"]) =>
    unwrap(await api.POST("/auth/mfa/enrolment/confirm", { body })),
  mfaDisable: async (body: Schemas["MfaProofRequest"]) => {
    unwrap(await api.POST("/auth/mfa/disable", { body }));
  },
  mfaRecoveryCodes: async (body: Schemas["MfaProofRequest"]) =>
    unwrap(await api.POST("/auth/mfa/recovery-codes", { body })),
  changeEmail: async (body: Schemas["EmailChangeRequest"]) =>
    unwrap(await api.POST("/auth/email/change", { body })),
  refresh: async () => unwrap(await api.POST("/auth/refresh")),
  logout: async () => {
    unwrap(await api.POST("/auth/logout"));
  },
  me: async () => unwrap(await api.GET("/auth/me")),
  forgotPassword: async (body: Schemas["PasswordResetRequest"]) => {
    unwrap(await api.POST("/auth/password/forgot", { body }));
  },
  resetPassword: async (body: Schemas["PasswordReset"]) => {
    unwrap(await api.POST("/auth/password/reset", { body }));
  },
  verifyEmail: async (body: Schemas["EmailVerification"]) => {
    unwrap(await api.POST("/auth/email/verify", { body }));
  },
  resendVerification: async () => {
    unwrap(await api.POST("/auth/email/verification"));
  },
  updateProfile: async (body: Schemas["ProfileUpdate"]) =>
    unwrap(await api.PATCH("/auth/me", { body })),
  signIns: async () => unwrap(await api.GET("/auth/sessions")),
  endSignIn: async (sessionId: string) => {
    unwrap(
      await api.POST("/auth/sessions/{session_id}/end", {
        params: { path: { session_id: sessionId } },
      }),
    );
  },
  changePassword: async (body: Schemas["PasswordChangeRequest"]) => {
    unwrap(await api.POST("/auth/password", { body }));
  },
};

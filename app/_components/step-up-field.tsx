/**
 * The authenticator-code field a sensitive staff step shows after the server answered
 * `step_up_required` (issue 21: the last code is over 10 minutes old). Sent with the form again
 * as `secondFactorCode`; the action checks it before the step.
 */
export function StepUpField({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <div data-testid="step-up">
      <label htmlFor="secondFactorCode" className="label">
        Authenticator code
      </label>
      <input
        id="secondFactorCode"
        name="secondFactorCode"
        type="text"
        autoComplete="one-time-code"
        required
        className="field w-full max-w-xs"
      />
    </div>
  );
}

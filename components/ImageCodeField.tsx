// The image code (图形验证码) a form asks for past the login limit: the picture for `uuid`, its field and
// the uuid as a hidden field. Rendered on the server; a new picture is a new page, so it works without
// JavaScript. Runs on the server only.
import { FieldMessage } from "./AccountForm.tsx";

export interface ImageCodeFieldProps {
  uuid: string;
  error?: string;
}

export function ImageCodeField({ uuid, error }: ImageCodeFieldProps) {
  return (
    <label class="image-code">
      图形验证码
      <span class="with-button">
        <input
          name="image_code"
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={4}
          required
        />
        <img
          src={`/image_codes/${uuid}`}
          alt="图形验证码"
          width={150}
          height={50}
        />
      </span>
      <input type="hidden" name="uuid" value={uuid} />
      <FieldMessage id="image_code" message={error} />
    </label>
  );
}

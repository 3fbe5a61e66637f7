// The captcha service's widget (CAPTCHA_PROVIDER=tencent or aliyun), loaded only when one is set. The
// forms show a 点击完成安全验证 button where an image code would be (components/ImageCodeField.tsx);
// clicking it opens the service's challenge, and its ticket goes into the field's hidden inputs, which
// the form (or the SMS button) posts. The page's <html> carries the public ids.
(() => {
  const page = document.documentElement.dataset;
  // Aliyun's script reads its region and instance before it loads (it comes after this one).
  if (page.captcha === "aliyun") {
    globalThis.AliyunCaptchaConfig = {
      region: "cn",
      prefix: page.captchaPrefix,
    };
  }

  function solved(field, values) {
    for (const [name, value] of Object.entries(values)) {
      const input = field.querySelector(`input[name="${name}"]`);
      if (input) input.value = value;
    }
    field.dataset.solved = "true";
    const button = field.querySelector("[data-captcha-start]");
    if (button) button.textContent = "已完成安全验证";
  }

  let aliyunSolvingFor = null;
  let aliyunReady = null;

  function openAliyun(field, button) {
    aliyunSolvingFor = field;
    if (aliyunReady) return aliyunReady.show?.();
    if (!button.id) button.id = `captcha-start-${Date.now()}`;
    const element = document.createElement("div");
    element.id = "captcha-element";
    document.body.append(element);
    // The widget binds to its button; it is made on the first click, then shown for it.
    globalThis.initAliyunCaptcha({
      SceneId: page.captchaSceneId,
      mode: "popup",
      element: "#captcha-element",
      button: `#${button.id}`,
      language: "cn",
      success: (param) =>
        solved(aliyunSolvingFor, { captcha_verify_param: param }),
      fail: () => {},
      getInstance: (instance) => {
        aliyunReady = instance;
        instance.show?.();
      },
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element &&
      event.target.closest("[data-captcha-start]");
    if (!button) return;
    event.preventDefault();
    const field = button.closest(".captcha-widget");
    if (page.captcha === "tencent" && globalThis.TencentCaptcha) {
      new globalThis.TencentCaptcha(page.captchaAppId, (answer) => {
        // ret 0: passed; 2: closed by the user.
        if (answer.ret === 0 && answer.ticket) {
          solved(field, { ticket: answer.ticket, randstr: answer.randstr });
        }
      }, {}).show();
    } else if (page.captcha === "aliyun" && globalThis.initAliyunCaptcha) {
      openAliyun(field, button);
    }
  });
})();

// "Bật thông báo trên máy này": register the service worker, subscribe with the server's VAPID
// key and send the subscription to the server. Messages come from the page (Vietnamese).
(function () {
  "use strict";
  var section = document.getElementById("push");
  if (!section) { return; }
  var status = section.querySelector(".push-status");
  function say(name, text) {
    var node = section.querySelector('.push-messages').content.querySelector('[data-name="' + name + '"]');
    status.textContent = text || (node ? node.textContent : name);
  }
  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": section.dataset.csrf},
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    });
  }
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  section.querySelector(".push-on").addEventListener("click", function () {
    if (!supported) { say("unsupported"); return; }
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { say("denied"); return null; }
      return navigator.serviceWorker.register(section.dataset.worker, {scope: "/"})
        .then(function () { return navigator.serviceWorker.ready; })
        .then(function (registration) {
          return registration.pushManager.subscribe({
            userVisibleOnly: true, applicationServerKey: keyBytes(section.dataset.key)});
        })
        .then(function (subscription) { return post(section.dataset.subscribe, subscription.toJSON()); })
        .then(function (answer) { say("ok", answer.message); });
    }).catch(function () { say("failed"); });
  });
  section.querySelector(".push-off").addEventListener("click", function () {
    if (!supported) { say("unsupported"); return; }
    navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      if (!subscription) { return null; }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(section.dataset.unsubscribe, {endpoint: endpoint});
      }).then(function (answer) { say("ok", answer.message); });
    }).catch(function () { say("failed"); });
  });
})();

// The service worker of the installable web app: shows a push (it carries no personal data,
// only "there is something new" and a link inside the site) and opens its link on click.
self.addEventListener("push", function (event) {
  var data = {title: "Có thông báo mới", body: "Mở ứng dụng để xem.", url: "/notifications"};
  try { if (event.data) { data = Object.assign(data, event.data.json()); } } catch (e) { /* keep defaults */ }
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body, icon: "/notifications/static/icon-192.png", data: {url: data.url}
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/notifications";
  if (url.charAt(0) !== "/" || url.charAt(1) === "/") { url = "/notifications"; }
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (clients) {
    for (var i = 0; i < clients.length; i++) {
      if ("focus" in clients[i]) { return clients[i].navigate(url).then(function (c) { return c && c.focus(); }); }
    }
    return self.clients.openWindow(url);
  }));
});

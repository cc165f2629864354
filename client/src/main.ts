/** Entry point: the route table. Each route is one page module. */
import './styles.css';

import { App, type PageFn } from './app';
import { h } from './core/dom';
import type { Route } from './core/router';
import { adminPage } from './pages/admin';
import {
  accountDeleteConfirmPage,
  accountPage,
  forgotPage,
  invitationPage,
  loginPage,
  registerPage,
  resetPage,
  verifyEmailPage,
} from './pages/auth';
import { binPage, dashboardPage } from './pages/dashboard';
import { joinPage } from './pages/join';
import { questionEditorPage } from './pages/questionEditor';
import { questionsPage } from './pages/questions';
import { recordPage } from './pages/record';
import { schedulePage } from './pages/schedule';

const routes: Route<PageFn>[] = [
  { pattern: '/', view: dashboardPage },
  { pattern: '/login', view: loginPage },
  { pattern: '/register', view: registerPage },
  { pattern: '/forgot-password', view: forgotPage },
  { pattern: '/reset-password', view: resetPage },
  { pattern: '/verify-email', view: verifyEmailPage },
  { pattern: '/invitation', view: invitationPage },
  { pattern: '/account', view: accountPage },
  { pattern: '/admin', view: adminPage },
  { pattern: '/account/delete', view: accountDeleteConfirmPage },
  { pattern: '/bin', view: binPage },
  { pattern: '/schedule', view: schedulePage },
  { pattern: '/questions', view: questionsPage },
  { pattern: '/questions/new', view: questionEditorPage },
  { pattern: '/questions/:id', view: questionEditorPage },
  { pattern: '/interviews/:id', view: recordPage },
  // The room (editor, Yjs, WebRTC) is most of the bundle: load it only when a room opens.
  { pattern: '/rooms/:id', view: (ctx) => import('./pages/room').then((m) => m.roomPage(ctx)) },
  { pattern: '/join/:code', view: joinPage },
];

const notFound: PageFn = async () => ({
  title: 'Not found',
  chrome: 'bare',
  el: h('div', { class: 'auth-wrap' },
    h('section', { class: 'card auth-card' }, h('h1', null, 'Page not found'),
      h('p', null, 'There is nothing at this address.'), h('a', { href: '/' }, 'Go to the dashboard'))),
});

const root = document.getElementById('app');
if (root) new App(root, routes, notFound).start();

// socialdesk staff console: the narrow layout (issue 21). The top bar
// wraps to more lines on a narrow screen; its height is kept in --top-h,
// where app.css starts the customer phone panel, so that the panel never
// covers the navigation or its Hide button. At a phone's width the open
// panel stands in for the console: choosing a page in the navigation
// hides the panel to show it.
'use strict';

(() => {
  const top = () => document.querySelector('header.top');
  const narrow = window.matchMedia('(max-width: 760px)');

  document.addEventListener('DOMContentLoaded', () => {
    const bar = top();
    const measure = () => document.documentElement.style.setProperty('--top-h', bar.getBoundingClientRect().height + 'px');
    new ResizeObserver(measure).observe(bar);
    measure();
    bar.querySelector('nav').addEventListener('click', (ev) => {
      const toggle = document.getElementById('phone-toggle');
      if (ev.target.closest('a[href^="#"]') && narrow.matches && document.body.classList.contains('with-phone')) toggle.click();
    });
  });
})();

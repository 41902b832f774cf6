'use strict';
// Click the picture on an image's admin page to set its focal point: the part
// every crop keeps in frame. The two number boxes hold the value (and can be
// typed into); the marker shows it.
{
    function setUp(container) {
        const picture = container.querySelector('img');
        const marker = container.querySelector('.focal-point-marker');
        const across = document.getElementById('id_focal_x');
        const down = document.getElementById('id_focal_y');
        if (!picture || !marker || !across || !down) {
            return;
        }
        const place = () => {
            marker.style.left = `${Number(across.value) * 100}%`;
            marker.style.top = `${Number(down.value) * 100}%`;
        };
        picture.addEventListener('click', (event) => {
            const box = picture.getBoundingClientRect();
            const clamp = (value) => Math.min(1, Math.max(0, value));
            across.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
            down.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
            place();
        });
        across.addEventListener('input', place);
        down.addEventListener('input', place);
        container.classList.add('focal-point-ready');
        place();
    }

    document.addEventListener('DOMContentLoaded', () => {
        document.querySelectorAll('[data-focal-point]').forEach(setUp);
    });
}

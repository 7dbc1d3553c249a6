from django.apps import AppConfig


class ServicePointsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.service_points"
    verbose_name = "服务阵地与预约"

    def ready(self) -> None:
        from apps.core import work_queue
        from apps.core.dashboard import register_figure
        from apps.core.demo import register_seeder
        from apps.core.demo_summary import register

        from .demo import demo_seeder, demo_summary
        from .queue import service_points_queue, staff_homes_figure

        register_seeder("service_points", demo_seeder, order=75)
        register("服务阵地与预约", demo_summary, order=75)
        work_queue.register("service_points", service_points_queue, order=75)
        register_figure("近两年先进教职工小家", staff_homes_figure, order=75,
                        permission="service_points.view_recognition")

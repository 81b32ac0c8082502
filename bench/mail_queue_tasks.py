"""The benchmark's own triage task for ``bench/mail_queue.py --task inbox``: one client message
triaged into a project's inbox through ``inbox.services.submit_request``, the work the intake's
``triage_email`` does for each matched e-mail, without the intake's tables."""

from __future__ import annotations

from django.tasks import task


@task
def triage_message(project_id: int, text: str) -> int:
    from scopeline.inbox.services import submit_request
    from scopeline.projects.models import Project

    project = Project.objects.select_related("client", "workspace", "current_version").get(
        pk=project_id
    )
    return submit_request(project=project, actor=None, text=text, channel="email").pk

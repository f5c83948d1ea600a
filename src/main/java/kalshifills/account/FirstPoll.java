package kalshifills.account;

import org.apache.camel.component.quartz.QuartzEndpoint;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.listeners.SchedulerListenerSupport;

/**
 * The account's first poll, as soon as it can run rather than at the schedule's next time: as the route starts, and when
 * this instance takes the account over. The {@code master:} endpoint starts the schedule's consumer a second after
 * leadership arrives, and a fire before that finds no consumer and does nothing: so a one-shot trigger of the same job
 * fires every tenth of a second until a poll has started (the job never overlaps itself), for at most {@link #ATTEMPTS} times.
 */
final class FirstPoll extends SchedulerListenerSupport {

    private static final int ATTEMPTS = 100;
    private static final int EVERY_MILLIS = 100;

    private final QuartzEndpoint schedule;
    private final Scheduler scheduler;
    private final TriggerKey soon;
    private volatile boolean wanted;

    FirstPoll(QuartzEndpoint schedule) throws SchedulerException {
        this.schedule = schedule;
        this.scheduler = schedule.getComponent().getScheduler();
        this.soon = TriggerKey.triggerKey(schedule.getTriggerKey().getName() + "-first", schedule.getTriggerKey().getGroup());
        scheduler.getListenerManager().addSchedulerListener(this);
    }

    /** Poll soon: now if the schedule exists, else once it does (a new leader's schedule is made as it takes over). */
    void request() throws SchedulerException {
        wanted = true;
        scheduleSoon();
    }

    /** A poll started: no more one-shot fires. */
    void started() throws SchedulerException {
        if (wanted) {
            wanted = false;
            scheduler.unscheduleJob(soon);
        }
    }

    @Override
    public void jobScheduled(Trigger trigger) {
        if (wanted && trigger.getKey().equals(schedule.getTriggerKey())) {
            try {
                scheduleSoon();
            } catch (SchedulerException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private synchronized void scheduleSoon() throws SchedulerException {
        Trigger cron = scheduler.getTrigger(schedule.getTriggerKey());
        if (cron == null || scheduler.checkExists(soon)) {
            return;
        }
        scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(soon).forJob(cron.getJobKey()).usingJobData(cron.getJobDataMap())
                .startNow().withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(EVERY_MILLIS)
                        .withRepeatCount(ATTEMPTS - 1).withMisfireHandlingInstructionNextWithRemainingCount())
                .build());
    }

    void close() throws SchedulerException {
        scheduler.getListenerManager().removeSchedulerListener(this);
        scheduler.unscheduleJob(soon);
    }
}

from django.db import migrations

# A board decision is a record of who decided what, when and why: the database refuses to
# change it afterwards, whoever asks (admin, shell, a bug).
CREATE = """
CREATE OR REPLACE FUNCTION label_decision_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'label decisions cannot be changed (id %)', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER label_decision_immutable BEFORE UPDATE ON label_labeldecision
    FOR EACH ROW EXECUTE FUNCTION label_decision_refuse_update();
"""
DROP = """
DROP TRIGGER IF EXISTS label_decision_immutable ON label_labeldecision;
DROP FUNCTION IF EXISTS label_decision_refuse_update();
"""


class Migration(migrations.Migration):
    dependencies = [("label", "0003_membership_renewal_photos_settings")]
    operations = [migrations.RunSQL(CREATE, DROP)]
